package cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that calls one service: the connection options, {@code --json}, and the exit code of its outcome. */
abstract class ServiceCommand implements Callable<Integer> {

    @Mixin
    Connection connection;

    @Option(names = "--json", description = "Print JSON for scripts instead of tables.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        ServiceClient client = connection.client();
        Console console = new Console(spec, json);
        if (client.sendsKeyInClear()) {
            console.note("warning: the key crosses the network in clear (http to " + client.base().getHost() + "): use https");
        }
        return run(client, console);
    }

    /** Runs the command; answers its exit code ({@link ExitCodes}). Failures are thrown, and shown by {@link CacheDomainCli}. */
    abstract int run(ServiceClient service, Console console);
}
