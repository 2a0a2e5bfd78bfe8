package domain.progress;

import domain.Secrets;
import domain.project.ProjectId;

/**
 * A pass to one operation's event stream, for a browser that cannot send headers: whoever holds
 * its secret may open that stream, and re-open it to resume, while the ticket lives; each opening
 * is numbered, and only the latest stays open.
 *
 * @param issuedTo the name of the principal that asked for it, for audit; never a secret
 */
public record ProgressTicket(ProjectId project, ProgressId operation, String issuedTo) {

    /** What a caller presents: {@code cdt_} and 256 random bits. */
    private static final String PREFIX = "cdt_";

    /** A new ticket and its secret; only the secret's digest may be stored. */
    public static Issued issue(ProjectId project, ProgressId operation, String issuedTo) {
        return new Issued(PREFIX + Secrets.randomUrlSafe(32), new ProgressTicket(project, operation, issuedTo));
    }

    /** The digest a presented secret is stored and looked up under. */
    public static String digestOf(String secret) {
        return Secrets.sha256Hex(secret);
    }

    /** True when {@code presented} has the shape of a ticket secret, so a stranger string costs no store call. */
    public static boolean looksLikeOne(String presented) {
        return presented != null && presented.length() == PREFIX.length() + 43 && presented.startsWith(PREFIX);
    }

    /** True when the ticket opens the stream of {@code operation} of {@code project}. */
    public boolean opens(ProjectId project, ProgressId operation) {
        return this.project.equals(project) && this.operation.equals(operation);
    }

    /**
     * One opening of a ticket: the ticket, the digest it is kept under, and the opening's number
     * among the ticket's openings (1 for the first). An opening with a higher number supersedes it.
     */
    public record Opening(ProgressTicket ticket, String digest, long number) {

        public Opening {
            if (number < 1) {
                throw new domain.InvalidValueException("number", "a ticket's openings are numbered from 1");
            }
        }

        /** True when {@code latest}, the number of the ticket's latest opening, is a later one than this. */
        public boolean supersededBy(long latest) {
            return latest > number;
        }
    }

    /** A ticket with its secret, which is shown once to the caller and never kept. */
    public record Issued(String secret, ProgressTicket ticket) {

        public String digest() {
            return digestOf(secret);
        }

        @Override
        public String toString() {
            return "Issued[ticket=" + ticket + "]";
        }
    }
}
