package io.moat.core.internal;

import io.moat.core.CoreClient;
import io.moat.core.CoreRejectedException;
import io.moat.core.CoreUnavailableException;
import io.moat.core.ScanResult;
import io.moat.core.SubmitOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * A Core client over several servers. A file goes to the first server (from {@code start}) that takes it; one that
 * is unavailable passes it to the next. Its verdict must come from the server that has the file, so the data id
 * this client hands out names it: {@code <server index>/<Core's data_id>}.
 */
public final class FailoverCoreClient implements CoreClient {

    private final List<CoreClient> servers;
    private final IntSupplier start;

    /**
     * @param servers the servers in the profile's order
     * @param start the index to begin with for each file (always 0 for failover, turning for round robin)
     */
    public FailoverCoreClient(List<CoreClient> servers, IntSupplier start) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no Core server");
        }
        this.servers = List.copyOf(servers);
        this.start = start;
    }

    @Override
    public String submit(Path file, String fileName, SubmitOptions options)
            throws CoreUnavailableException, CoreRejectedException {
        return submitToFirstAvailable(server -> server.submit(file, fileName, options));
    }

    @Override
    public String submit(byte[] content, String fileName, SubmitOptions options)
            throws CoreUnavailableException, CoreRejectedException {
        return submitToFirstAvailable(server -> server.submit(content, fileName, options));
    }

    /** One submission to one server. */
    private interface Submission {
        String to(CoreClient server) throws CoreUnavailableException, CoreRejectedException;
    }

    private String submitToFirstAvailable(Submission submission)
            throws CoreUnavailableException, CoreRejectedException {
        int first = Math.floorMod(start.getAsInt(), servers.size());
        CoreUnavailableException unavailable = null;
        for (int i = 0; i < servers.size(); i++) {
            int index = (first + i) % servers.size();
            try {
                return index + "/" + submission.to(servers.get(index));
            } catch (CoreUnavailableException e) {
                if (unavailable == null) {
                    unavailable = e;
                } else {
                    unavailable.addSuppressed(e);
                }
            }
        }
        throw unavailable;
    }

    @Override
    public ScanResult fetchResult(String dataId) throws CoreUnavailableException, CoreRejectedException {
        Located at = locate(dataId);
        return servers.get(at.index()).fetchResult(at.coreId()).withDataId(dataId);
    }

    /** A server of the profile and Core's own data id there. */
    private record Located(int index, String coreId) {
    }

    /**
     * The server that took {@code dataId}, as {@link #submit} named it.
     *
     * @throws CoreRejectedException 404 if that server is no longer in the profile
     */
    private Located locate(String dataId) throws CoreRejectedException {
        int slash = dataId.indexOf('/');
        int index = 0;
        String coreId = dataId;
        if (slash > 0) {
            try {
                index = Integer.parseInt(dataId.substring(0, slash));
                coreId = dataId.substring(slash + 1);
            } catch (NumberFormatException e) {
                index = 0; // an id from before the profile had several servers
            }
        }
        if (index >= servers.size()) {
            throw new CoreRejectedException(404, "the Core server that took " + dataId
                    + " is no longer in the profile; the file is submitted again");
        }
        return new Located(index, coreId);
    }

    @Override
    public Converted fetchSanitized(String dataId, Path target, long maxBytes)
            throws CoreUnavailableException, CoreRejectedException {
        Located at;
        try {
            at = locate(dataId);
        } catch (CoreRejectedException gone) {
            return Converted.NOT_FOUND; // the server that has it left the profile: no sanitized copy to be had
        }
        return servers.get(at.index()).fetchSanitized(at.coreId(), target, maxBytes);
    }

    @Override
    public String version() throws CoreUnavailableException, CoreRejectedException {
        CoreUnavailableException unavailable = null;
        for (CoreClient server : servers) {
            try {
                return server.version();
            } catch (CoreUnavailableException e) {
                unavailable = e;
            }
        }
        throw unavailable;
    }
}
