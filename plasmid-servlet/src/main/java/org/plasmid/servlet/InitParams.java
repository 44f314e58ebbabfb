package org.plasmid.servlet;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Reads {@link PlasmidServletOptions} from servlet init-params, for servlets declared in web.xml. */
final class InitParams {
    private InitParams() {
    }

    /**
     * @param config the servlet's config
     * @return the options its init-params describe (defaults for those absent)
     * @throws ServletException naming the init-param whose value is invalid
     */
    static PlasmidServletOptions options(ServletConfig config) throws ServletException {
        PlasmidServletOptions.Builder b = PlasmidServletOptions.builder();
        String name = null;
        try {
            name = PlasmidServlet.MAX_BODY_BYTES_PARAM;
            String v = config.getInitParameter(name);
            if (v != null) {
                b.maxBodyBytes(Long.parseLong(v.trim()));
            }
            name = PlasmidServlet.MAX_VALUE_BYTES_PARAM;
            v = config.getInitParameter(name);
            if (v != null) {
                b.maxValueBytes(Integer.parseInt(v.trim()));
            }
            name = PlasmidServlet.MAX_DEPTH_PARAM;
            v = config.getInitParameter(name);
            if (v != null) {
                b.maxDepth(Integer.parseInt(v.trim()));
            }
            name = PlasmidServlet.MAX_HELD_POLLS_PARAM;
            v = config.getInitParameter(name);
            if (v != null) {
                b.maxHeldPolls(Integer.parseInt(v.trim()));
            }
            name = PlasmidServlet.CORS_ALLOWED_ORIGINS_PARAM;
            v = config.getInitParameter(name);
            if (v != null && !v.isBlank()) {
                List<String> origins = Arrays.stream(v.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
                b.corsAllowedOrigins(origins);
            }
            name = PlasmidServlet.AUTH_FAILURES_PER_ACCESS_PARAM;
            v = config.getInitParameter(name);
            if (v != null) {
                b.maxAuthFailuresPerAccess(Integer.parseInt(v.trim()));
            }
            name = PlasmidServlet.AUTH_FAILURES_PER_ADDRESS_PARAM;
            v = config.getInitParameter(name);
            if (v != null) {
                b.maxAuthFailuresPerAddress(Integer.parseInt(v.trim()));
            }
            name = PlasmidServlet.AUTH_FAILURE_WINDOW_SECONDS_PARAM;
            v = config.getInitParameter(name);
            if (v != null) {
                b.authFailureWindow(Duration.ofSeconds(Long.parseLong(v.trim())));
            }
            name = null;
            return b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            String what = name == null ? "the init-params" : "init-param " + name;
            throw new ServletException("PlasmidServlet " + config.getServletName() + ": invalid " + what + ": "
                    + e.getMessage(), e);
        }
    }
}
