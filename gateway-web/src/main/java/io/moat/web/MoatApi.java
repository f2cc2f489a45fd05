package io.moat.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST API for integrators. Every path requires the admin role (see web.xml). */
@ApplicationPath("/api/v1")
public class MoatApi extends Application {
}
