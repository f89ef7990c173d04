import org.elasticsearch.Build;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.SecureSetting;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.internal.SettingsExtension;
import org.elasticsearch.threadpool.DefaultBuiltInExecutorBuilders;
import org.elasticsearch.threadpool.ExecutorBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists every setting a node of this Elasticsearch home registers, as JSON on standard output with the server's
 * version: what the node's
 * settings module is built from (NodeConstruction): the server's built-in cluster and index settings, the built-in
 * thread pools' settings (and the deprecated ones it keeps for old configurations), and each module's {@code Plugin#getSettings()} and executor builders' settings.
 *
 * <p>Run on the home's class path: {@code java -cp <lib/*:modules/<name>/*...> RegisteredSettings.java <home>}
 * (scripts/update-elasticsearch-settings). For each setting: its key as Elasticsearch prints it, a Python regular
 * expression matching the concrete keys of a group, list or affix setting (translated from the key's own
 * {@code Pattern}), its scopes, whether it is secure (keystore only) and whether it is deprecated.
 */
public final class RegisteredSettings {
    private RegisteredSettings() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Settings settings = Settings.builder().put("path.home", home.toString()).build();
        LogConfigurator.configureESLogging(); // the server's classes log from their static initialisers
        LogConfigurator.configureWithoutConfig(settings);
        Map<String, String> entries = new TreeMap<>();
        add(entries, "server", ClusterSettings.BUILT_IN_CLUSTER_SETTINGS);
        add(entries, "server", IndexScopedSettings.BUILT_IN_INDEX_SETTINGS);
        int processors = EsExecutors.allocatedProcessors(settings);
        for (ExecutorBuilder<?> builder : new DefaultBuiltInExecutorBuilders().getBuilders(settings, processors).values()) {
            add(entries, "server", builder.getRegisteredSettings());
        }
        // The deprecated search_worker pool's settings, which the node registers for old configurations.
        List<Setting<?>> bwc = new ArrayList<>();
        Method addBwc = Class.forName("org.elasticsearch.node.NodeConstruction").getDeclaredMethod("addBwcSearchWorkerSettings", List.class);
        addBwc.setAccessible(true);
        addBwc.invoke(null, bwc);
        add(entries, "server", bwc);
        for (SettingsExtension extension : SettingsExtension.load()) {
            add(entries, "server", extension.getSettings());
        }
        List<Path> modules = new ArrayList<>();
        try (var listing = Files.list(home.resolve("modules"))) {
            listing.sorted().forEach(modules::add);
        }
        for (Path module : modules) {
            String className = pluginClass(module);
            if (className.startsWith("io.podpatterns.")) {
                continue; // ours, standing in for a module not served: its documentation gives its names
            }
            Plugin plugin = instantiate(className, settings, module);
            String name = module.getFileName().toString();
            add(entries, name, plugin.getSettings());
            for (ExecutorBuilder<?> builder : plugin.getExecutorBuilders(settings)) {
                add(entries, name, builder.getRegisteredSettings());
            }
        }
        System.out.println("{\"version\": " + quote(Build.current().version()) + ", \"settings\": [\n"
            + String.join(",\n", entries.values()) + "\n]}");
    }

    private static String pluginClass(Path module) throws IOException {
        Properties descriptor = new Properties();
        try (InputStream in = Files.newInputStream(module.resolve("plugin-descriptor.properties"))) {
            descriptor.load(in);
        }
        return descriptor.getProperty("classname");
    }

    /** As the plugins service does: the (Settings, Path) constructor, else (Settings), else none. */
    private static Plugin instantiate(String className, Settings settings, Path module) throws Exception {
        Class<?> type = Class.forName(className);
        for (Constructor<?> constructor : type.getConstructors()) {
            Class<?>[] parameters = constructor.getParameterTypes();
            if (parameters.length == 2 && parameters[0] == Settings.class && parameters[1] == Path.class) {
                return (Plugin) constructor.newInstance(settings, module);
            }
        }
        for (Constructor<?> constructor : type.getConstructors()) {
            Class<?>[] parameters = constructor.getParameterTypes();
            if (parameters.length == 1 && parameters[0] == Settings.class) {
                return (Plugin) constructor.newInstance(settings);
            }
        }
        return (Plugin) type.getConstructor().newInstance();
    }

    private static void add(Map<String, String> entries, String source, Collection<? extends Setting<?>> settings)
        throws ReflectiveOperationException {
        for (Setting<?> setting : settings) {
            String scope = setting.hasIndexScope() ? "index" : setting.hasNodeScope() ? "node" : "other";
            // One entry per key and scope: the built-in list and a builder may hold the same setting.
            entries.putIfAbsent(setting.getKey() + " " + scope, entry(setting, source, scope));
        }
    }

    private static String entry(Setting<?> setting, String source, String scope) throws ReflectiveOperationException {
        Setting<?> concrete = setting instanceof Setting.AffixSetting<?> affix
            ? affix.getConcreteSettingForNamespace("_namespace_") : setting;
        var properties = setting.getProperties();
        String deprecated = properties.contains(Setting.Property.Deprecated) ? "critical"
            : properties.contains(Setting.Property.DeprecatedWarning) ? "warning"
            : setting.isDeprecatedAndRemoved() ? "removed" : null;
        String pattern = pattern(setting.getRawKey());
        return "  {\"key\": " + quote(setting.getKey())
            + ", \"pattern\": " + (pattern == null ? "null" : quote(pattern))
            + ", \"scope\": " + quote(scope)
            + ", \"secure\": " + (concrete instanceof SecureSetting<?>)
            + ", \"deprecated\": " + (deprecated == null ? "null" : quote(deprecated))
            + ", \"source\": " + quote(source) + "}";
    }

    /** The key's regular expression in Python's syntax, or null for a plain key (matched by equality). */
    private static String pattern(Setting.Key key) throws ReflectiveOperationException {
        if (key instanceof Setting.GroupKey group) {
            return python(Pattern.quote(group.toString())) + ".*";
        }
        if (key instanceof Setting.ListKey || key instanceof Setting.AffixKey) {
            String own = python(((Pattern) field(key, "pattern")).pattern());
            Object fallback = key instanceof Setting.AffixKey ? field(key, "fallbackPattern") : null;
            return fallback == null ? own : own + "|" + python(((Pattern) fallback).pattern());
        }
        return null;
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    private static final Pattern QUOTED = Pattern.compile("\\\\Q(.*?)\\\\E");

    /** Java's {@code \Q...\E} quoting, which Python's re lacks, as escaped characters. */
    private static String python(String javaPattern) {
        Matcher quoted = QUOTED.matcher(javaPattern);
        StringBuilder out = new StringBuilder();
        while (quoted.find()) {
            quoted.appendReplacement(out, Matcher.quoteReplacement(quoted.group(1).replaceAll("([^-\\w])", "\\\\$1")));
        }
        return quoted.appendTail(out).toString();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
