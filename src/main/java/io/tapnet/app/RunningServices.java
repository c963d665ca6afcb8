package io.tapnet.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The services running on the hosts of one network, by host name: started by the console or by a
 * topology's {@code services:}, stopped one by one from the console or all together when the network
 * stops. Thread-safe.
 */
public final class RunningServices {
    private final Map<String, List<Service>> byHost = new LinkedHashMap<>();

    public synchronized void add(String host, Service service) {
        byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(service);
    }

    /** The services of {@code host} still running; stopped ones are forgotten. */
    public synchronized List<Service> on(String host) {
        List<Service> services = byHost.get(host);
        if (services == null) {
            return List.of();
        }
        services.removeIf(s -> !s.isRunning());
        return List.copyOf(services);
    }

    /**
     * Stops the services of {@code host} of {@code kind} (and on {@code port}, when it is not null, and
     * using {@code protocol}, when not null) and returns them.
     */
    public synchronized List<Service> stop(String host, String kind, Integer port, String protocol) {
        List<Service> stopped = new ArrayList<>();
        List<Service> services = byHost.get(host);
        if (services == null) {
            return stopped;
        }
        for (Service s : services) {
            if (s.kind().equals(kind) && (port == null || s.port() == port)
                    && (protocol == null || s.protocol().equals(protocol))) {
                s.close();
                stopped.add(s);
            }
        }
        services.removeAll(stopped);
        return stopped;
    }

    /** Stops everything, e.g. when the network stops. */
    public synchronized void stopAll() {
        for (List<Service> services : byHost.values()) {
            services.forEach(Service::close);
        }
        byHost.clear();
    }
}
