package org.elasticsearch.io.ansi;

import java.util.function.Supplier;

/**
 * The console loader the server looks up by this name in {@code lib/tools/ansi-console} (ConsoleLoader). The
 * distribution's one gives the server an ANSI console when standard output is a terminal, and no console otherwise;
 * a container's output is never a terminal, so ours always answers "no console" and the server logs as configured.
 */
public final class AnsiConsoleLoader implements Supplier<Object> {
    /** No console: the server then writes nothing to a terminal of its own. */
    @Override
    public Object get() {
        return null;
    }
}
