package io.podpatterns.elasticsearch.cli;

import org.elasticsearch.bootstrap.BootstrapInfo;
import org.elasticsearch.bootstrap.ServerArgs;
import org.elasticsearch.common.io.stream.OutputStreamStreamOutput;
import org.elasticsearch.common.settings.KeyStoreWrapper;
import org.elasticsearch.common.settings.SecureString;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.InternalSettingsPreparer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bin/elasticsearch}: starts the server as the distribution's launcher (server-cli) does, and stays its parent.
 *
 * <p>It reads the node's settings ({@code elasticsearch.yml} with {@code ${VAR}} from the environment, and {@code -E
 * key=value} arguments), opens the keystore (made with only its seed when there is none, as the distribution does;
 * a password-protected one is refused), makes a temporary directory, starts the server JVM on the module path with
 * the options of {@link JvmOptions}, and writes the {@link ServerArgs} to its standard input, which it keeps open: on
 * SIGTERM it sends the shutdown marker there and waits for the server to stop. The server's standard error passes
 * through without the ready marker. The exit status is the server's.
 */
public final class ServerLauncher {
    private static final String MAIN = "org.elasticsearch.server/org.elasticsearch.bootstrap.Elasticsearch";

    private ServerLauncher() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("es.path.home"));
        Path configDir = Path.of(System.getProperty("es.path.conf"));
        Map<String, String> commandLine = parseArguments(args);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            Settings.builder().put("path.home", home.toString()).build(),
            commandLine,
            configDir,
            ServerLauncher::hostName
        );
        // Loaded and decrypted with the empty password; made with only its seed when missing.
        KeyStoreWrapper keystore;
        try {
            keystore = KeyStoreWrapper.bootstrap(configDir, () -> new SecureString(new char[0]));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the keystore in " + configDir + " cannot be opened without a password; "
                + "this launcher does not read one (the image reads KEYSTORE_PASSWORD)", e);
        }
        String tmpSetting = System.getenv("ES_TMPDIR");
        Path tmpDir = tmpSetting != null ? Path.of(tmpSetting) : Files.createTempDirectory("elasticsearch-");
        ServerArgs serverArgs = new ServerArgs(false, false, null, keystore, environment.settings(), configDir,
            environment.logsDir());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmOptions.serverOptions(home, configDir, tmpDir, System.getenv("ES_JAVA_OPTS")));
        command.addAll(List.of("--module-path", home.resolve("lib").toString(), "--add-modules=jdk.net",
            "--add-modules=ALL-MODULE-PATH", "-m", MAIN));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("LIBFFI_TMPDIR", tmpDir.toString());  // the server refuses to start without it
        Process server = builder.start();
        ErrorPump pump = new ErrorPump(server.getErrorStream());
        pump.start();
        OutputStream stdin = server.getOutputStream();
        try (OutputStreamStreamOutput out = new OutputStreamStreamOutput(stdin) {
            @Override
            public void close() {} // the server reads its standard input until the shutdown marker: keep it open
        }) {
            serverArgs.writeTo(out);
            out.flush();
        }
        keystore.close();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, stdin, pump), "stop-elasticsearch"));
        int status = server.waitFor();
        pump.join();
        if (tmpSetting == null) {
            deleteTree(tmpDir);
        }
        System.exit(status);
    }

    /** {@code -E key=value} arguments; anything else is an error naming it. */
    static Map<String, String> parseArguments(String[] args) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String setting = args[i].equals("-E") && i + 1 < args.length ? args[++i]
                : args[i].startsWith("-E") ? args[i].substring(2) : null;
            int equals = setting == null ? -1 : setting.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("argument [" + args[i] + "]: only -E key=value is supported");
            }
            settings.put(setting.substring(0, equals), setting.substring(equals + 1));
        }
        return settings;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** SIGTERM: a ready server is sent the shutdown marker (it stops its node and exits), one still starting SIGTERM. */
    private static void stop(Process server, OutputStream stdin, ErrorPump pump) {
        if (server.isAlive() == false) {
            return;
        }
        try {
            if (pump.ready) {
                stdin.write(BootstrapInfo.SERVER_SHUTDOWN_MARKER);
                stdin.flush();
            } else {
                server.destroy();
            }
        } catch (IOException e) {
            server.destroy();
        }
        try {
            server.waitFor();
            pump.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Copies the server's standard error to ours, noting and dropping the ready marker. */
    private static final class ErrorPump extends Thread {
        private final InputStream errors;
        volatile boolean ready;

        ErrorPump(InputStream errors) {
            super("server-stderr");
            this.errors = errors;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try {
                int read;
                while ((read = errors.read(buffer)) != -1) {
                    int kept = 0;
                    for (int i = 0; i < read; i++) {
                        if (buffer[i] == BootstrapInfo.SERVER_READY_MARKER) {
                            ready = true;
                        } else {
                            buffer[kept++] = buffer[i];
                        }
                    }
                    System.err.write(buffer, 0, kept);
                    System.err.flush();
                }
            } catch (IOException e) {
                // the server has gone: its exit status says how
            }
        }
    }
}
