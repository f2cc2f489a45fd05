package io.moat.mime.forbidden;

import io.moat.persistence.forbidden.ThingRepository;

/** Breaks a rule on purpose: the MIME module using persistence, an arrow the module graph does not have. */
public class UsesPersistence {

    final ThingRepository things = new ThingRepository();
}
