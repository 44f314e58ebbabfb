package org.plasmid.servlet;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;

/**
 * Reads {@link PlasmidServletOptions} from servlet init-params, for servlets declared in web.xml: one
 * init-param per option ({@link PlasmidServletOptions#ALL}); an absent or blank one keeps the default.
 */
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
        for (Option<?> option : PlasmidServletOptions.ALL) {
            String text = config.getInitParameter(option.param());
            if (text != null && !text.isBlank()) {
                try {
                    read(b, option, text);
                } catch (IllegalArgumentException e) {
                    throw new ServletException("PlasmidServlet " + config.getServletName() + ": invalid init-param "
                            + option.param() + " (" + option.doc() + "): " + e.getMessage(), e);
                }
            }
        }
        try {
            return b.build();
        } catch (IllegalStateException e) {
            throw new ServletException("PlasmidServlet " + config.getServletName() + ": invalid init-params: "
                    + e.getMessage(), e);
        }
    }

    private static <T> void read(PlasmidServletOptions.Builder b, Option<T> option, String text) {
        b.set(option, option.read(text));
    }
}
