package io.podpatterns.elasticsearch.agent;

import java.lang.instrument.Instrumentation;

/**
 * The entitlement agent: the server attaches it to itself at startup (EntitlementBootstrap loads the one jar in
 * {@code lib/entitlement-agent}) with the name of its initialization class as the argument, and the agent hands that
 * class the {@link Instrumentation} it needs to instrument the JDK's sensitive methods.
 */
public final class EntitlementAgent {
    private EntitlementAgent() {}

    /** Calls {@code initialize(Instrumentation)} of the class named by {@code initializationClass}. */
    public static void agentmain(String initializationClass, Instrumentation instrumentation) throws ReflectiveOperationException {
        Class<?> initialization = Class.forName(initializationClass, true, ClassLoader.getSystemClassLoader());
        initialization.getMethod("initialize", Instrumentation.class).invoke(null, instrumentation);
    }
}
