package io.forecaster.training.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Predictor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link Nd4jRuntime}: the first dl4j predictor of a JVM, made by code of a job's
 * classloader (as in a Flink task when DL4J is loaded parent-first and the job's own classes are on
 * the task's stack), leaves nothing that keeps that classloader alive. Runs in a JVM of its own
 * ({@link Probe}), where ND4J is not yet initialised; the job's code loads the committed bundle (no
 * ND4J) and makes the predictor, so ND4J's first use is the engine's.
 */
class Nd4jRuntimeTest {

    @Test
    void theFirstPredictorKeepsNothingOfTheJobThatMadeIt() throws Exception {
        List<String> command =
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Probe.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS))
                .as("probe finished; output:%n%s", out)
                .isTrue();
        assertThat(p.exitValue()).as("probe exit code; output:%n%s", out).isZero();
        assertThat(out.lines().filter(l -> l.startsWith("probe ")).toList())
                .as("probe output:%n%s", out)
                .containsExactly("probe predictions: 60", "probe job classloader collected: true");
    }

    /** The job's code: makes and uses a dl4j predictor (defined by {@link JobLoader}). */
    public static final class JobTask implements Runnable {

        @Override
        public void run() {
            ModelBundle bundle;
            try {
                bundle = ModelBundle.load(Path.of("..", "models", "sunspots.zip"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            float[] windows = new float[2 * 30];
            for (int i = 0; i < windows.length; i++) {
                windows[i] = 50 + i;
            }
            float[] out = new float[2 * 30];
            try (Predictor p = new Dl4jEngine().predictor(bundle)) {
                p.predict(windows, 2, 30, out);
            }
            System.out.println("probe predictions: " + out.length);
        }
    }

    /** A job's classloader: defines {@link JobTask} itself, everything else from its parent. */
    static final class JobLoader extends ClassLoader {

        JobLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(JobTask.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    String file = name.substring(name.lastIndexOf('.') + 1) + ".class";
                    try (InputStream in = JobTask.class.getResourceAsStream(file)) {
                        byte[] b = in.readAllBytes();
                        CodeSource source = new CodeSource(null, (Certificate[]) null);
                        ProtectionDomain domain = new ProtectionDomain(source, null, this, null);
                        c = defineClass(name, b, 0, b.length, domain);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return c;
            }
        }
    }

    /**
     * Runs {@link JobTask} of a {@link JobLoader} on a thread whose context classloader is that
     * loader, drops every reference to it and reports whether it can be collected.
     */
    static final class Probe {

        public static void main(String[] args) throws Exception {
            JobLoader job = new JobLoader(Probe.class.getClassLoader());
            WeakReference<ClassLoader> ref = new WeakReference<>(job);
            Runnable body =
                    (Runnable)
                            job.loadClass(JobTask.class.getName())
                                    .getDeclaredConstructor()
                                    .newInstance();
            Thread task = new Thread(body);
            task.setContextClassLoader(job);
            task.start();
            task.join();
            task = null;
            body = null;
            job = null;
            for (int i = 0; i < 50 && ref.get() != null; i++) {
                System.gc();
                Thread.sleep(100);
            }
            System.out.println("probe job classloader collected: " + (ref.get() == null));
            System.exit(0);
        }
    }
}
