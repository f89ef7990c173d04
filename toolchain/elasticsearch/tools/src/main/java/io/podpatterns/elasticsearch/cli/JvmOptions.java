package io.podpatterns.elasticsearch.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server JVM's options, in the order the distribution's launcher gives them: ours (what the server needs to run),
 * then {@code config/jvm.options}, {@code config/jvm.options.d/*.options} (sorted), {@code ES_JAVA_OPTS}, and last
 * the heap and direct memory when none of those set them.
 */
final class JvmOptions {
    /** A line of a jvm.options file: {@code option}, {@code N:option}, {@code N-:option} or {@code N-M:option}. */
    private static final Pattern LINE = Pattern.compile("^(?:(\\d+)(-)?(\\d+)?:)?(-.*)$");
    private static final long MIB = 1024 * 1024;

    private JvmOptions() {}

    static List<String> serverOptions(Path home, Path configDir, Path tmpDir, String esJavaOpts) throws IOException {
        List<String> user = new ArrayList<>();
        user.addAll(readFile(configDir.resolve("jvm.options")));
        Path directory = configDir.resolve("jvm.options.d");
        if (Files.isDirectory(directory)) {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.options")) {
                stream.forEach(files::add);
            }
            files.sort(null);
            for (Path file : files) {
                user.addAll(readFile(file));
            }
        }
        if (esJavaOpts != null && esJavaOpts.isBlank() == false) {
            user.addAll(List.of(esJavaOpts.trim().split("\\s+")));
        }
        List<String> options = new ArrayList<>(system(home, configDir));
        for (String option : user) {
            options.add(option.replace("${ES_TMPDIR}", tmpDir.toString()));
        }
        options.addAll(ergonomic(options));
        return options;
    }

    /** The options of one file for this Java version; an error naming the file and line for a line we cannot read. */
    static List<String> readFile(Path file) throws IOException {
        List<String> options = new ArrayList<>();
        int feature = Runtime.version().feature();
        int number = 0;
        for (String raw : Files.readAllLines(file)) {
            number++;
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = LINE.matcher(line);
            if (matcher.matches() == false) {
                throw new IllegalArgumentException(file + " line " + number + ": [" + raw + "] is not a JVM option "
                    + "(-option, N:-option, N-:-option or N-M:-option)");
            }
            if (matcher.group(1) != null) {
                int low = Integer.parseInt(matcher.group(1));
                boolean range = matcher.group(2) != null;
                int high = matcher.group(3) != null ? Integer.parseInt(matcher.group(3)) : range ? Integer.MAX_VALUE : low;
                if (feature < low || feature > high) {
                    continue;
                }
            }
            options.add(matcher.group(4));
        }
        return options;
    }

    /** What the server needs whatever the configuration: paths, Netty, log4j, DNS caching, entitlements. */
    private static List<String> system(Path home, Path configDir) throws IOException {
        List<String> options = new ArrayList<>(List.of(
            "-Des.path.home=" + home,
            "-Des.path.conf=" + configDir,
            "-Des.distribution.type=docker",
            "-Des.java.type=" + "machine JDK " + Runtime.version(),
            "-Des.networkaddress.cache.ttl=60",
            "-Des.networkaddress.cache.negative.ttl=10",
            "-XX:+AlwaysPreTouch",
            "-Xss1m",
            "-Djava.awt.headless=true",
            "-Dfile.encoding=UTF-8",
            "-Djna.nosys=true",
            "-XX:-OmitStackTraceInFastThrow",
            "-Dio.netty.noUnsafe=true",
            "-Dio.netty.noKeySetOptimization=true",
            "-Dio.netty.recycler.maxCapacityPerThread=0",
            "-Dlog4j.shutdownHookEnabled=false",
            "-Dlog4j2.disable.jmx=true",
            "-Dlog4j2.formatMsgNoLookups=true",
            "-Djava.locale.providers=CLDR",
            // Entitlements: the server attaches its agent to itself, and the JDK classes it instruments call the
            // bridge, which must therefore live in java.base and be exported to the modules holding those classes.
            "-Djdk.attach.allowAttachSelf=true",
            "--patch-module=java.base=" + onlyJar(home.resolve("lib/entitlement-bridge")),
            "--add-exports=java.base/org.elasticsearch.entitlement.bridge="
                + "org.elasticsearch.entitlement,java.logging,java.net.http,java.naming,jdk.net"
        ));
        if (Runtime.version().feature() >= 21) {
            options.add("-XX:+EnableDynamicAgentLoading");
            options.add("--enable-native-access=org.elasticsearch.nativeaccess,org.apache.lucene.core");
        }
        return options;
    }

    /**
     * The heap when no option set it (half the memory the JVM sees, its container's limit included, at most 31 GiB,
     * as the image sizes a master and data node) and direct memory (half the heap, as the distribution sets it).
     */
    private static List<String> ergonomic(List<String> options) {
        List<String> added = new ArrayList<>();
        Long heap = lastSize(options, "-Xmx");
        if (heap == null && lastSize(options, "-Xms") == null) {
            long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
            heap = Math.max(128 * MIB, Math.min(memory / 2, 31 * 1024 * MIB)) / MIB * MIB;
            added.add("-Xms" + heap / MIB + "m");
            added.add("-Xmx" + heap / MIB + "m");
        }
        if (heap != null && options.stream().noneMatch(option -> option.startsWith("-XX:MaxDirectMemorySize="))) {
            added.add("-XX:MaxDirectMemorySize=" + heap / 2);
        }
        return added;
    }

    /** The size the last option with `prefix` sets (`-Xmx512m`: 512 MiB), or null. */
    static Long lastSize(List<String> options, String prefix) {
        Long size = null;
        for (String option : options) {
            if (option.startsWith(prefix)) {
                size = parseSize(option.substring(prefix.length()));
            }
        }
        return size;
    }

    private static long parseSize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        char unit = lower.charAt(lower.length() - 1);
        long multiplier = switch (unit) {
            case 'k' -> 1024L;
            case 'm' -> MIB;
            case 'g' -> 1024 * MIB;
            case 't' -> 1024 * 1024 * MIB;
            default -> 1L;
        };
        String digits = Character.isDigit(unit) ? lower : lower.substring(0, lower.length() - 1);
        return Long.parseLong(digits) * multiplier;
    }

    private static Path onlyJar(Path directory) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.jar")) {
            stream.forEach(jars::add);
        }
        if (jars.size() != 1) {
            throw new IllegalStateException("expected one jar in " + directory + ", found " + jars);
        }
        return jars.get(0);
    }
}
