package io.moat.web.forbidden;

import io.moat.delivery.pipeline.forbidden.PipelineRoom;

/** Breaks a rule on purpose: a web class using a room of the pipeline (ArchitectureTest proves the rule sees it). */
public class UsesThePipeline {

    final PipelineRoom room = new PipelineRoom();
}
