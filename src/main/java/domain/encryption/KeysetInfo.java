package domain.encryption;

import java.util.List;

/**
 * What may be shown of a project's keyset: its keys' ids and states, never their material.
 *
 * @param primaryKeyId the key new values are encrypted with
 * @param keys         every key, primary included, in the keyset's order
 */
public record KeysetInfo(int primaryKeyId, List<Key> keys, long revision) {

    public KeysetInfo {
        keys = List.copyOf(keys);
    }

    /** One key: {@code enabled} keys decrypt, disabled ones no longer do. */
    public record Key(int id, boolean enabled) {
    }

    /** Keys other than the primary that still decrypt: what a rotation has yet to retire. */
    public List<Integer> olderEnabledKeys() {
        return keys.stream().filter(k -> k.enabled() && k.id() != primaryKeyId).map(Key::id).toList();
    }
}
