package io.moat.delivery.pipeline.forbidden;

/** Stands for a class in one of the pipeline's rooms. */
public class PipelineRoom {
}
