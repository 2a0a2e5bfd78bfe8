/** Rate limiting: sliding windows checked together, per user, project, IP or key. */
package domain.ratelimit;
