package cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;

/**
 * The jar's entry point: without arguments, or with {@code serve}, it runs the service; with any
 * other command, the operator's command line ({@link CacheDomainCli}), which starts nothing of the
 * service and exits with the command's code.
 */
@QuarkusMain
public class Main {

    public static void main(String... args) {
        if (args.length == 0 || args[0].equals("serve")) {
            Quarkus.run(args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(CacheDomainCli.run(args));
    }
}
