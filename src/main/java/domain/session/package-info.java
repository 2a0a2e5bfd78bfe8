/** User sessions: opaque tokens, project access rights, idle and absolute expiry, many per user. */
package domain.session;
