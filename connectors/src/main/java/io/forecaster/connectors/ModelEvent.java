package io.forecaster.connectors;

/**
 * What an inference subtask did with a model record, for the model-events topic: a version it
 * loaded and now serves, one it refused (and why; the previous version keeps serving), or a name it
 * retired.
 *
 * @param model the model name
 * @param version the version the event is about (0 for a retired name or an unreadable record)
 * @param event {@value #SERVING}, {@value #REFUSED} or {@value #RETIRED}
 * @param reason why a version was refused (null otherwise)
 * @param servedVersion the version of the name served after the event (0 when none)
 * @param subtask the inference subtask that reports it
 * @param loadMillis time to read, check and open the bundle (0 when nothing was loaded)
 * @param time wall-clock time of the event, epoch ms
 */
public record ModelEvent(
        String model,
        long version,
        String event,
        String reason,
        long servedVersion,
        int subtask,
        long loadMillis,
        long time) {

    public static final String SERVING = "serving";
    public static final String REFUSED = "refused";
    public static final String RETIRED = "retired";
}
