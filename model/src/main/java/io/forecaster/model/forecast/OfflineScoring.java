package io.forecaster.model.forecast;

import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StatefulRollout;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import java.util.Arrays;

/**
 * Scores one key's series offline exactly as the job scores it live: the same forecasts at the same
 * points (a sliding count window of W points, a forecast every S once W are present, counted from
 * the key's start or its last restart), the same calls to {@link ForecastScoring} in the same
 * order, so the key's {@link KeyScore} equals the one the job holds after a replay of the same
 * points. Beside it, per horizon step, the model's, the last-value forecast's and the
 * seasonal-naive forecast's MAE on the same scored steps and each level's coverage ({@link
 * StepFigures}).
 *
 * <p>Window mode: at each point, a restart drops the pending forecasts, the point's value is
 * observed, and if the window emits here its intervals are taken, the window is forecast H steps
 * ({@link Predictor#forecast}, batched over the key's windows beforehand) and issued with the
 * window's newest value as the last value. Stateful mode: at each point, a restart drops the
 * pending forecasts and zeroes the state, the value is observed and stepped, and if the count
 * window emits here the intervals are taken, the state is rolled out H steps ({@link
 * StatefulRollout}) and the forecast issued.
 */
public final class OfflineScoring {

    /** Windows forecast per call of the predictor. */
    static final int BATCH = 256;

    private OfflineScoring() {}

    /**
     * One key's values as the job sees them, with what may be looked up before them.
     *
     * @param values the key's values in order (on its time grid, filled slots included)
     * @param restarts indices in {@code values} where the key restarts (a gap longer than the grid
     *     fills), ascending; 0 need not be listed
     * @param start the first value the job sees (a replay from here); earlier values are history
     *     only the seasonal-naive forecast looks at
     * @param scoreFrom per-step figures count only forecast steps whose target index is at least
     *     this (the {@link KeyScore} counts every step, as the job does)
     */
    public record KeySeries(float[] values, int[] restarts, int start, int scoreFrom) {

        public KeySeries {
            if (start < 0 || start > values.length) {
                throw new IllegalArgumentException(
                        "start " + start + " outside a series of " + values.length);
            }
        }

        /** The whole series, no restarts, all scored. */
        public static KeySeries of(float[] values) {
            return new KeySeries(values, new int[0], 0, 0);
        }

        /** Doubles to the floats the job's model sees. */
        public static float[] floats(double[] values) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            return f;
        }

        /** The start of the run (segment between restarts) holding index {@code i}. */
        int runStart(int i) {
            int s = 0;
            for (int r : restarts) {
                if (r <= i) {
                    s = r;
                } else {
                    break;
                }
            }
            return s;
        }

        boolean restartsAt(int i) {
            return i == start || Arrays.binarySearch(restarts, i) >= 0;
        }
    }

    /** A key's live score and its per-step figures. */
    public record Result(KeyScore score, StepFigures steps, int forecasts) {}

    /**
     * Scores {@code series} in window mode with windows of {@code window} points, a forecast every
     * {@code slide}; {@code season} (0: none) for the seasonal-naive figures.
     */
    public static Result window(
            Predictor predictor,
            KeySeries series,
            int window,
            int slide,
            int season,
            ForecastScoring scoring) {
        checkWindow(window, slide);
        int horizon = scoring.horizon();
        float[] v = series.values();
        int n = v.length;
        // where the job forecasts: a full window, (points since the run's start - W) % S == 0
        int[] origins = new int[n];
        int count = 0;
        long sinceStart = 0;
        for (int i = series.start(); i < n; i++) {
            sinceStart = series.restartsAt(i) ? 1 : sinceStart + 1;
            if (emitsAt((int) Math.min(sinceStart, window), sinceStart, window, slide)) {
                origins[count++] = i;
            }
        }
        float[] ahead = new float[count * horizon];
        float[] windows = new float[Math.min(count, BATCH) * window];
        float[] out = new float[windows.length];
        float[] batchAhead = new float[Math.min(count, BATCH) * horizon];
        for (int from = 0; from < count; from += BATCH) {
            int b = Math.min(BATCH, count - from);
            for (int j = 0; j < b; j++) {
                System.arraycopy(v, origins[from + j] - window + 1, windows, j * window, window);
            }
            predictor.forecast(windows, b, window, horizon, out, batchAhead);
            System.arraycopy(batchAhead, 0, ahead, from * horizon, b * horizon);
        }
        Run run = new Run(scoring, series, season);
        int next = 0;
        for (int i = series.start(); i < n; i++) {
            run.arrive(i);
            if (next < count && origins[next] == i) {
                run.forecast(i, ahead, next * horizon);
                next++;
            }
        }
        return new Result(run.score, run.figures, count);
    }

    /**
     * Scores {@code series} in stateful mode: every point stepped, from the zero state at the start
     * and at each restart; a forecast every {@code slide} steps once {@code window} steps have been
     * taken.
     */
    public static Result stateful(
            Stepper stepper,
            KeySeries series,
            int window,
            int slide,
            int season,
            ForecastScoring scoring) {
        checkWindow(window, slide);
        int horizon = scoring.horizon();
        float[] v = series.values();
        StatefulRollout rollout = new StatefulRollout(stepper, 1);
        StepState[] state = {stepper.newState()};
        float[] point = new float[1];
        float[] prediction = new float[1];
        float[] ahead = new float[horizon];
        Run run = new Run(scoring, series, season);
        long steps = 0;
        int forecasts = 0;
        for (int i = series.start(); i < v.length; i++) {
            if (series.restartsAt(i)) {
                state[0] = stepper.newState();
                steps = 0;
            }
            run.arrive(i);
            point[0] = v[i];
            stepper.step(state, point, 1, prediction);
            steps++;
            if (emitsAt((int) Math.min(steps, window), steps, window, slide)) {
                rollout.rollout(state, prediction, 1, horizon, ahead);
                run.forecast(i, ahead, 0);
                forecasts++;
            }
        }
        return new Result(run.score, run.figures, forecasts);
    }

    /** As the job's sliding count: the window is full and {@code n - W} is a multiple of S. */
    static boolean emitsAt(int count, long n, int window, int slide) {
        return count == window && (n - window) % slide == 0;
    }

    private static void checkWindow(int window, int slide) {
        if (window < 1 || slide < 1) {
            throw new IllegalArgumentException(
                    "window and slide must be at least 1, got " + window + " and " + slide);
        }
    }

    /**
     * One key's pass: the live scoring calls, and a mirror of its pending forecasts by origin index
     * for the per-step figures.
     */
    private static final class Run {
        final ForecastScoring scoring;
        final KeySeries series;
        final int season;
        final int horizon;
        final int levels;
        final KeyScore score;
        final StepFigures figures;
        final float[] widths;
        // pending forecasts of the current run: origin, H values, [step][level] widths
        int[] origin = new int[8];
        float[][] values = new float[8][];
        float[][] issued = new float[8][];
        boolean[][] online = new boolean[8][];
        int first;
        int last;
        int runStart;

        Run(ForecastScoring scoring, KeySeries series, int season) {
            this.scoring = scoring;
            this.series = series;
            this.season = season;
            this.horizon = scoring.horizon();
            this.levels = scoring.levels().length;
            this.score = scoring.newScore();
            this.figures = new StepFigures(horizon, scoring.levels());
            this.widths = new float[horizon * levels];
        }

        /** The value at index {@code i} arrives: a restart drops the pending, then it is scored. */
        void arrive(int i) {
            if (series.restartsAt(i)) {
                scoring.dropPending(score);
                first = last;
                runStart = series.runStart(i);
            }
            float actual = series.values()[i];
            scoring.observe(score, actual);
            while (first < last && i - origin[first % origin.length] > horizon) {
                first++;
            }
            for (int f = first; f < last; f++) {
                int k = f % origin.length;
                int step = i - origin[k] - 1;
                if (i < series.scoreFrom()) {
                    continue;
                }
                float error = Math.abs(actual - values[k][step]);
                float lastValue = series.values()[origin[k]];
                figures.add(step, error, Math.abs(actual - lastValue), seasonal(origin[k], i));
                for (int l = 0; l < levels; l++) {
                    float w = issued[k][step * levels + l];
                    if (!Float.isNaN(w)) {
                        figures.interval(step, l, error <= w, online[k][step * levels + l]);
                    }
                }
            }
        }

        /**
         * The seasonal-naive forecast's absolute error at target {@code i} of a forecast made at
         * {@code o}: the latest value of the same phase known at o, in the same run; NaN if none.
         */
        private float seasonal(int o, int i) {
            if (season < 1) {
                return Float.NaN;
            }
            int ahead = i - o;
            int j = i - season * ((ahead + season - 1) / season);
            if (j < runStart) {
                return Float.NaN;
            }
            return Math.abs(series.values()[i] - series.values()[j]);
        }

        /** A forecast at index {@code i}: intervals, issue, and the mirror's copy. */
        void forecast(int i, float[] ahead, int from) {
            scoring.intervals(score, widths);
            boolean[] own = new boolean[widths.length];
            for (int h = 0; h < horizon; h++) {
                for (int l = 0; l < levels; l++) {
                    int t = h * levels + l;
                    own[t] =
                            score.stepScored[h] >= scoring.warmup()
                                    && !Float.isNaN(score.trackers[t]);
                }
            }
            scoring.issue(score, ahead, from, widths, series.values()[i]);
            if (last - first == origin.length) {
                grow();
            }
            int k = last % origin.length;
            origin[k] = i;
            values[k] = Arrays.copyOfRange(ahead, from, from + horizon);
            issued[k] = widths.clone();
            online[k] = own;
            last++;
        }

        private void grow() {
            int size = origin.length;
            int[] o = new int[size * 2];
            float[][] v = new float[size * 2][];
            float[][] w = new float[size * 2][];
            boolean[][] on = new boolean[size * 2][];
            for (int f = first; f < last; f++) {
                o[f - first] = origin[f % size];
                v[f - first] = values[f % size];
                w[f - first] = issued[f % size];
                on[f - first] = online[f % size];
            }
            last -= first;
            first = 0;
            origin = o;
            values = v;
            issued = w;
            online = on;
        }
    }
}
