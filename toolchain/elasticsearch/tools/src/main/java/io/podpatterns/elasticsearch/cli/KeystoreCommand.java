package io.podpatterns.elasticsearch.cli;

import org.elasticsearch.common.settings.KeyStoreWrapper;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code bin/elasticsearch-keystore}: the subcommands of the distribution's keystore tool that containers use, on the
 * server's own {@link KeyStoreWrapper}, so the file is the one the server reads.
 *
 * <pre>
 * elasticsearch-keystore create
 * elasticsearch-keystore list
 * elasticsearch-keystore add [-f|--force] [-x|--stdin] SETTING...
 * elasticsearch-keystore add-file [-f|--force] SETTING FILE [SETTING FILE]...
 * elasticsearch-keystore remove SETTING...
 * </pre>
 *
 * As the distribution's: {@code add} and {@code add-file} create a missing keystore with {@code --force}; without a
 * terminal a question (overwrite? create?) is answered no; {@code --stdin} reads one line per setting. Keystores with
 * a password are not supported (none of ours has one). Exit status: 0, 64 usage, 65 data error, 74 I/O error.
 */
public final class KeystoreCommand {
    static final int USAGE = 64;
    static final int DATA_ERROR = 65;
    static final int IO_ERROR = 74;

    private KeystoreCommand() {}

    /** A failure with the exit status it ends the command with. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Failure(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    public static void main(String[] args) {
        Path configDir = Path.of(System.getProperty("es.path.conf"));
        try {
            run(configDir, List.of(args));
        } catch (Failure failure) {
            System.err.println("ERROR: " + failure.getMessage());
            System.exit(failure.status);
        } catch (Exception e) {
            System.err.println("ERROR: " + e);
            System.exit(IO_ERROR);
        }
    }

    static void run(Path configDir, List<String> args) throws Exception {
        if (args.isEmpty()) {
            throw new Failure(USAGE, "missing command: one of create, list, add, add-file, remove");
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        switch (command) {
            case "create" -> create(configDir, options(rest, Set.of()));
            case "list" -> list(configDir, options(rest, Set.of()));
            case "add" -> add(configDir, rest);
            case "add-file" -> addFile(configDir, rest);
            case "remove" -> remove(configDir, options(rest, Set.of()));
            default -> throw new Failure(USAGE, "unknown command [" + command + "]: one of create, list, add, add-file, remove");
        }
    }

    /** The positional arguments; an option not in `allowed` is a usage error naming it. */
    private static List<String> options(List<String> args, Set<String> allowed) throws Failure {
        List<String> positional = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("-") == false) {
                positional.add(arg);
            } else if (allowed.contains(arg) == false) {
                throw new Failure(USAGE, arg + " is not a recognized option");
            }
        }
        return positional;
    }

    private static void create(Path configDir, List<String> positional) throws Exception {
        if (positional.isEmpty() == false) {
            throw new Failure(USAGE, "create takes no arguments: " + positional);
        }
        if (Files.exists(KeyStoreWrapper.keystorePath(configDir)) && confirm("An elasticsearch keystore already exists. Overwrite?") == false) {
            throw new Failure(0, "Exiting without creating keystore.");
        }
        KeyStoreWrapper keystore = KeyStoreWrapper.create();
        keystore.save(configDir, new char[0]);
        System.out.println("Created elasticsearch keystore in " + configDir);
    }

    private static void list(Path configDir, List<String> positional) throws Exception {
        if (positional.isEmpty() == false) {
            throw new Failure(USAGE, "list takes no arguments: " + positional);
        }
        for (String name : new TreeSet<>(open(configDir, false).getSettingNames())) {
            System.out.println(name);
        }
    }

    private static void add(Path configDir, List<String> args) throws Exception {
        boolean force = args.contains("-f") || args.contains("--force");
        boolean stdin = args.contains("-x") || args.contains("--stdin");
        List<String> names = options(args, Set.of("-f", "--force", "-x", "--stdin"));
        if (names.isEmpty()) {
            throw new Failure(USAGE, "the setting names can not be null");
        }
        KeyStoreWrapper keystore = open(configDir, force);
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String name : names) {
            KeyStoreWrapper.validateSettingName(name);
            if (keystore.getSettingNames().contains(name) && force == false && confirm("Setting " + name + " already exists. Overwrite?") == false) {
                throw new Failure(0, "Exiting without modifying keystore.");
            }
            char[] value = stdin ? readLine(input, name) : prompt("Enter value for " + name + ": ", input, name);
            keystore.setString(name, value);
        }
        keystore.save(configDir, new char[0]);
    }

    private static void addFile(Path configDir, List<String> args) throws Exception {
        boolean force = args.contains("-f") || args.contains("--force");
        List<String> pairs = options(args, Set.of("-f", "--force"));
        if (pairs.isEmpty() || pairs.size() % 2 != 0) {
            throw new Failure(USAGE, "add-file takes pairs of SETTING FILE, got " + pairs);
        }
        KeyStoreWrapper keystore = open(configDir, force);
        for (int i = 0; i < pairs.size(); i += 2) {
            String name = pairs.get(i);
            Path file = Path.of(pairs.get(i + 1));
            KeyStoreWrapper.validateSettingName(name);
            if (keystore.getSettingNames().contains(name) && force == false && confirm("Setting " + name + " already exists. Overwrite?") == false) {
                throw new Failure(0, "Exiting without modifying keystore.");
            }
            if (Files.isReadable(file) == false) {
                throw new Failure(IO_ERROR, "File [" + file + "] does not exist");
            }
            keystore.setFile(name, Files.readAllBytes(file));
        }
        keystore.save(configDir, new char[0]);
    }

    private static void remove(Path configDir, List<String> names) throws Exception {
        if (names.isEmpty()) {
            throw new Failure(USAGE, "Must supply at least one setting to remove");
        }
        KeyStoreWrapper keystore = open(configDir, false);
        for (String name : names) {
            if (keystore.getSettingNames().contains(name) == false) {
                throw new Failure(DATA_ERROR, "Setting [" + name + "] does not exist in the keystore.");
            }
            keystore.remove(name);
        }
        keystore.save(configDir, new char[0]);
    }

    /** The keystore, decrypted; a missing one is created (with `create`, or after a yes), else an error. */
    private static KeyStoreWrapper open(Path configDir, boolean create) throws Exception {
        KeyStoreWrapper keystore = KeyStoreWrapper.load(configDir);
        if (keystore == null) {
            if (create == false && confirm("The elasticsearch keystore does not exist. Do you want to create it?") == false) {
                throw new Failure(DATA_ERROR, "Elasticsearch keystore not found at [" + KeyStoreWrapper.keystorePath(configDir)
                    + "]. Use 'create' command to create one.");
            }
            keystore = KeyStoreWrapper.create();
            keystore.save(configDir, new char[0]);
            return keystore;
        }
        if (keystore.hasPassword()) {
            throw new Failure(DATA_ERROR, "the keystore in " + configDir + " is password-protected: not supported here");
        }
        keystore.decrypt(new char[0]);
        return keystore;
    }

    /** Yes or no on the terminal; without one, no. */
    private static boolean confirm(String question) {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        String answer = console.readLine("%s [y/N] ", question);
        return answer != null && answer.trim().equalsIgnoreCase("y");
    }

    private static char[] prompt(String question, BufferedReader input, String name) throws Exception {
        Console console = System.console();
        return console != null ? console.readPassword("%s", question) : readLine(input, name);
    }

    private static char[] readLine(BufferedReader input, String name) throws Exception {
        String line = input.readLine();
        if (line == null) {
            throw new Failure(DATA_ERROR, "missing value for setting [" + name + "] on standard input");
        }
        return line.toCharArray();
    }
}
