package io.tapnet.app;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Where an application's threads come from. Its one method has the shape of
 * {@code EmulatedHost.spawn(String, Runnable)}, so {@code host::spawn} plugs in directly and every thread
 * of an application then runs "on" that host (which is what lets virtual time wait for it); on the real
 * network the default starts plain virtual threads.
 */
@FunctionalInterface
public interface AppThreads {

    /** Starts {@code task} on a new thread called {@code name} and returns that thread. */
    Thread start(String name, Runnable task);

    /** Virtual threads, one per task. */
    static AppThreads virtual() {
        return (name, task) -> Thread.ofVirtual().name(name).start(task);
    }

    /** Threads from a {@link ThreadFactory}, started at once; the factory names them. */
    static AppThreads of(ThreadFactory factory) {
        Objects.requireNonNull(factory, "factory");
        return (name, task) -> {
            Thread thread = factory.newThread(task);
            thread.start();
            return thread;
        };
    }

    /**
     * Tasks handed to an {@link Executor}. The executor's threads are not visible, so the returned
     * "thread" is the caller's: do not join it. Prefer a method that starts a thread when there is one.
     */
    static AppThreads from(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return (name, task) -> {
            executor.execute(task);
            return Thread.currentThread();
        };
    }
}
