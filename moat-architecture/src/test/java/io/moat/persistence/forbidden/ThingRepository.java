package io.moat.persistence.forbidden;

/** Stands for a repository of the persistence module. */
public class ThingRepository {
}
