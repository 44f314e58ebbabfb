/**
 * A Jakarta Servlet adapter that serves the Plasmid Sync engine over the v1 wire protocol:
 * {@link org.plasmid.servlet.PlasmidServlet}, its {@link org.plasmid.servlet.PlasmidServletOptions}, and
 * {@link org.plasmid.servlet.PlasmidContextListener} for web.xml-only applications. Everything else in
 * the package is machinery.
 */
package org.plasmid.servlet;
