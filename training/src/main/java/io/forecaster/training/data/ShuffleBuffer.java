package io.forecaster.training.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * A seeded shuffle with a bounded buffer, as {@code tf.data.Dataset.shuffle(bufferSize)} does it:
 * the buffer is filled with the first {@code bufferSize} elements; each output is a uniformly
 * chosen buffer slot, which is then refilled with the next input element. A buffer at least as
 * large as the input gives a uniform shuffle; a buffer of 1 keeps the order.
 */
public final class ShuffleBuffer {

    private ShuffleBuffer() {}

    /** The elements of {@code input} in buffered-shuffle order, drawing from {@code random}. */
    public static <T> Iterator<T> shuffle(Iterator<T> input, int bufferSize, Random random) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException(
                    "shuffle buffer must be at least 1, got " + bufferSize);
        }
        List<T> buffer = new ArrayList<>(Math.min(bufferSize, 1 << 16));
        while (buffer.size() < bufferSize && input.hasNext()) {
            buffer.add(input.next());
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !buffer.isEmpty();
            }

            @Override
            public T next() {
                if (buffer.isEmpty()) {
                    throw new NoSuchElementException();
                }
                int slot = random.nextInt(buffer.size());
                T out = buffer.get(slot);
                if (input.hasNext()) {
                    buffer.set(slot, input.next());
                } else {
                    T last = buffer.remove(buffer.size() - 1);
                    if (slot < buffer.size()) {
                        buffer.set(slot, last);
                    }
                }
                return out;
            }
        };
    }
}
