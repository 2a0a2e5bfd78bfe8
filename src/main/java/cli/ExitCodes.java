package cli;

/** The exit codes of every command, which scripts may rely on. */
final class ExitCodes {

    /** Done. */
    static final int OK = 0;
    /** The service refused the request: bad input, no such object, a conflict (a 4xx other than 401 and 403). */
    static final int REFUSED = 1;
    /** The command line itself is wrong: an unknown option, a missing argument, no key to call with. */
    static final int USAGE = 2;
    /** The service could not be reached, did not answer in time, or failed (a 5xx); or it reports itself DOWN. */
    static final int UNAVAILABLE = 3;
    /** Done, with something to look at: a validation found differences, the service reports itself DEGRADED. */
    static final int ATTENTION = 4;
    /** The key was refused: none, unknown, revoked or expired (401), or it may not do this (403). */
    static final int UNAUTHORISED = 5;

    private ExitCodes() {
    }
}
