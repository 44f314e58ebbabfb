package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tests run two containers in one JVM, and tomcat-embed-core carries its own copy of the Servlet API
 * (6.1) beside the 6.0 API jar the servlet compiles against. Two copies on one class path would let each
 * class come from whichever jar is first, a mix that no real container has; so the 6.0 jar is left off the
 * test run (plasmid-servlet's pom), and this checks that exactly one copy is there, and that it is 6.1, which
 * both Tomcat 11 and Jetty's ee10 (written for 6.0, which 6.1 only adds to) run on.
 */
class ServletApiOnTestClasspathTest {
    @Test
    void theServletApi_isOnTheTestClassPathOnce() throws Exception {
        List<URL> copies = Collections.list(getClass().getClassLoader()
                .getResources("jakarta/servlet/http/HttpServlet.class"));
        assertEquals(1, copies.size(), "copies of the Servlet API: " + copies);
        assertTrue(copies.get(0).toString().contains("tomcat-embed-core"), copies.get(0).toString());
        // a method Servlet 6.1 added: Tomcat 11 calls such methods on the API's own types
        HttpServlet.class.getClassLoader(); // loaded from that one copy
        jakarta.servlet.http.HttpServletResponse.class.getMethod("sendRedirect", String.class, int.class);
    }
}
