package org.plasmid.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.nio.file.Path;
import org.plasmid.core.PlasmidHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For web.xml-only applications: opens a durable hub from the directory named by the context init-param
 * {@value #HUB_PATH_PARAM}, publishes it in the ServletContext attribute
 * {@value PlasmidServlet#HUB_ATTRIBUTE} (where a {@link PlasmidServlet} without a hub finds it), and
 * closes it when the application stops. It owns the hub it opened.
 *
 * <pre>{@code
 * <context-param>
 *   <param-name>plasmid.hub.path</param-name>
 *   <param-value>/var/lib/plasmid/hub</param-value>
 * </context-param>
 * <listener>
 *   <listener-class>org.plasmid.servlet.PlasmidContextListener</listener-class>
 * </listener>
 * <servlet>
 *   <servlet-name>plasmid</servlet-name>
 *   <servlet-class>org.plasmid.servlet.PlasmidServlet</servlet-class>
 *   <async-supported>true</async-supported>
 * </servlet>
 * <servlet-mapping>
 *   <servlet-name>plasmid</servlet-name>
 *   <url-pattern>/plasmid/*</url-pattern>
 * </servlet-mapping>
 * }</pre>
 */
public class PlasmidContextListener implements ServletContextListener {
    /** Context init-param: the hub directory (created if missing). */
    public static final String HUB_PATH_PARAM = "plasmid.hub.path";

    private static final Logger LOG = LoggerFactory.getLogger(PlasmidContextListener.class);

    private PlasmidHub hub;

    /** Creates the listener; the container calls it. */
    public PlasmidContextListener() {
    }

    /**
     * Opens the hub and publishes it.
     *
     * @throws IllegalStateException if the init-param is missing
     * @throws org.plasmid.core.PlasmidException if the hub cannot be opened (for example, another process
     *     holds it)
     */
    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        String path = context.getInitParameter(HUB_PATH_PARAM);
        if (path == null || path.isBlank()) {
            throw new IllegalStateException(getClass().getSimpleName() + " needs the context init-param "
                    + HUB_PATH_PARAM + " naming the hub directory");
        }
        Path directory = Path.of(path.trim());
        hub = PlasmidHub.open(directory);
        context.setAttribute(PlasmidServlet.HUB_ATTRIBUTE, hub);
        LOG.info("opened Plasmid hub {}", directory.toAbsolutePath());
    }

    /** Withdraws the hub and closes it. */
    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (hub == null) {
            return;
        }
        if (event.getServletContext().getAttribute(PlasmidServlet.HUB_ATTRIBUTE) == hub) {
            event.getServletContext().removeAttribute(PlasmidServlet.HUB_ATTRIBUTE);
        }
        hub.close();
        hub = null;
        LOG.info("closed Plasmid hub");
    }
}
