package io.moat.web.forbidden;

import io.moat.persistence.forbidden.ThingRepository;

/** Breaks a rule on purpose: a web class reading a repository (ArchitectureTest proves the rule sees it). */
public class UsesARepository {

    final ThingRepository things = new ThingRepository();
}
