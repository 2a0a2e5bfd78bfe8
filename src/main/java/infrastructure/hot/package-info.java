/**
 * Cache entries held in process in front of a store ({@link infrastructure.hot.HotEntries}): the
 * embedded store's hot reads and the near cache in front of Redis share them, with their bounds and
 * their guard against the fill race.
 */
package infrastructure.hot;
