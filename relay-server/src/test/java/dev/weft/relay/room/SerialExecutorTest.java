package dev.weft.relay.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    @Test
    void aTaskThatThrowsAnErrorDoesNotWedgeTheExecutor() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            SerialExecutor room = new SerialExecutor(pool);
            CountDownLatch after = new CountDownLatch(2);
            room.execute(() -> {
                throw new OutOfMemoryError("simulated: a compression bomb inflated");
            });
            room.execute(after::countDown);
            room.executeInlineIfIdle(() -> {
                throw new StackOverflowError("simulated");
            });
            room.execute(after::countDown);
            assertThat(after.await(5, TimeUnit.SECONDS)).as("tasks after the failing ones ran").isTrue();
        } finally {
            pool.shutdownNow();
        }
    }
}
