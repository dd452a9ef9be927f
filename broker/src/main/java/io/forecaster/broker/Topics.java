package io.forecaster.broker;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Topic administration for the command line's tools and the tests. */
public final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
    private static final long TIMEOUT_S = 30;

    private Topics() {}

    /**
     * Creates a topic if it does not exist, with replication factor -1 (the broker's default) and
     * {@code retention.ms=-1} unless {@code config} says otherwise: replays carry old timestamps,
     * and time-based retention would delete them.
     *
     * @return true if created, false if it existed
     */
    public static boolean create(
            String bootstrap, String topic, int partitions, Map<String, String> config) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        Map<String, String> c = new HashMap<>();
        c.put("retention.ms", "-1");
        c.putAll(config);
        try (Admin admin = admin(bootstrap)) {
            NewTopic t = new NewTopic(topic, Optional.of(partitions), Optional.empty()).configs(c);
            admin.createTopics(List.of(t)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            awaitVisible(admin, topic);
            LOG.info("created topic {} with {} partition(s)", topic, partitions);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new IllegalStateException(
                    "cannot create topic " + topic + ": " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "creating topic "
                            + topic
                            + " timed out after "
                            + TIMEOUT_S
                            + " s at "
                            + bootstrap,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** True if the topic exists. */
    public static boolean exists(String bootstrap, String topic) {
        try (Admin admin = admin(bootstrap)) {
            Set<String> names = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
            return names.contains(topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list topics at " + bootstrap + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Waits until a broker at {@code bootstrap} answers, at most {@code timeout}.
     *
     * @throws IllegalStateException naming the servers and the timeout when none answers
     */
    public static void awaitReachable(String bootstrap, Duration timeout) {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        Admin admin = Admin.create(p);
        try {
            admin.describeCluster().clusterId().get(ms, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "no Kafka broker answered at "
                            + bootstrap
                            + " within "
                            + timeout.toMillis()
                            + " ms",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static void awaitVisible(Admin admin, String topic) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (System.nanoTime() < deadline) {
            try {
                admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(TIMEOUT_S, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException(
                "topic " + topic + " not visible after " + TIMEOUT_S + " s");
    }

    public static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }
}
