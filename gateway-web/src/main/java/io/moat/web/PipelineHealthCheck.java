package io.moat.web;

import io.moat.delivery.PipelineScheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live while the pipeline scheduler keeps looking for work (a stuck scheduler stops ticking). */
@Liveness
@ApplicationScoped
public class PipelineHealthCheck implements HealthCheck {

    @Inject
    PipelineScheduler pipeline;

    @Override
    public HealthCheckResponse call() {
        Instant last = pipeline.lastTick();
        boolean alive = pipeline.running() && Duration.between(last, Instant.now()).toSeconds() < 60;
        return HealthCheckResponse.named("moat-pipeline").status(alive).withData("lastTick", last.toString()).build();
    }
}
