package io.forecaster.training.engine;

import java.security.AccessController;
import java.security.PrivilegedAction;
import org.nd4j.common.config.ND4JClassLoading;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's process-wide state, made once so that it holds on to nothing of the caller. On a Flink
 * cluster, where DL4J and ND4J are loaded parent-first, the first caller is a task of some job, and
 * the threads ND4J and JavaCPP start on first use ({@code DeallocatorServiceThread_N}, {@code
 * JavaCPP Deallocator}) inherit the protection domains of the classes on the caller's stack, the
 * job's among them: they kept the first dl4j job's user-code classloader (every class of its jar)
 * for the life of the TaskManager. So ND4J is initialised here, once, in a privileged block (the
 * threads then inherit this class's domain only; setting the context classloader alone does not
 * release the job's, {@code Nd4jRuntimeTest}), with ND4J's own classloader as the context
 * classloader ({@code ND4JClassLoading} reads it when it is initialised), before any network is
 * built.
 */
final class Nd4jRuntime {

    private static volatile boolean ready;

    private Nd4jRuntime() {}

    /** Initialises ND4J's backend, its deallocator threads and JavaCPP's, once per class loader. */
    static void init() {
        if (ready) {
            return;
        }
        synchronized (Nd4jRuntime.class) {
            if (!ready) {
                initDetached();
                ready = true;
            }
        }
    }

    @SuppressWarnings(
            "removal") // AccessController: still how a new Thread's inherited context is cut
    private static void initDetached() {
        Thread current = Thread.currentThread();
        ClassLoader context = current.getContextClassLoader();
        ClassLoader nd4j = Nd4j.class.getClassLoader();
        current.setContextClassLoader(nd4j);
        try {
            AccessController.doPrivileged(
                    (PrivilegedAction<Void>)
                            () -> {
                                // set as well, in case the class was initialised elsewhere first
                                ND4JClassLoading.setNd4jClassloader(nd4j);
                                Nd4j.getBackend();
                                Nd4j.getDeallocatorService();
                                // a buffer and an op: JavaCPP's Pointer and its deallocator
                                INDArray a = Nd4j.create(new float[] {1f, 2f});
                                a.addi(1f);
                                return null;
                            });
        } finally {
            current.setContextClassLoader(context);
        }
    }
}
