package io.moat.core;

import java.nio.file.Path;

/**
 * The calls the gateway makes to MetaDefender Core. Implementations are immutable and thread-safe.
 *
 * <p>
 * Every call either returns an answer Core gave, or throws one of two exceptions: {@link CoreUnavailableException}
 * (try again later; never a verdict) or {@link CoreRejectedException} (Core refused this request; retrying the same
 * request will not help).
 */
public interface CoreClient {

    /**
     * Sends a file to Core for processing ({@code POST /file}). The body is the file's bytes with a
     * {@code Content-Length} header; Core does not accept chunked uploads.
     *
     * @param file     the file to send; it must exist and stay unchanged while it is sent
     * @param fileName the name Core should record (for example the attachment's name); {@code null} or blank uses
     *                 the name of {@code file}
     * @param options  callback and archive passwords; {@code null} is the same as {@link SubmitOptions#none()}
     * @return Core's {@code data_id} for the file, to be used with {@link #fetchResult(String)}
     * @throws CoreUnavailableException      if Core is busy, failing, unreachable or answered something unreadable
     * @throws CoreRejectedException         if Core refused the request (bad key, empty file, invalid callback, …)
     * @throws java.io.UncheckedIOException if {@code file} cannot be opened
     */
    String submit(Path file, String fileName, SubmitOptions options)
            throws CoreUnavailableException, CoreRejectedException;

    /**
     * Submits a file held in memory ({@code POST /file}), as {@link #submit(Path, String, SubmitOptions)} does one
     * on disk: with its length, never chunked.
     *
     * @param content  the file's bytes
     * @param fileName the name Core should record; {@code null} or blank: {@code file}
     * @param options  callback and archive passwords; {@code null} is the same as {@link SubmitOptions#none()}
     * @return Core's {@code data_id} for the file
     * @throws CoreUnavailableException if Core is busy, failing, unreachable or answered something unreadable
     * @throws CoreRejectedException    if Core refused the request (bad key, empty file, invalid callback, …)
     */
    String submit(byte[] content, String fileName, SubmitOptions options)
            throws CoreUnavailableException, CoreRejectedException;

    /**
     * Reads the processing state of a file ({@code GET /file/{dataId}}).
     *
     * @param dataId the id returned by {@link #submit}
     * @return the result; {@link ScanResult#complete()} tells whether processing has finished
     * @throws CoreUnavailableException if Core is busy, failing, unreachable or answered something unreadable
     * @throws CoreRejectedException    if Core refused the request; status 404 when Core does not know the id
     */
    ScanResult fetchResult(String dataId) throws CoreUnavailableException, CoreRejectedException;

    /**
     * Downloads the sanitized copy of a file ({@code GET /file/converted/{dataId}}), the bytes Deep CDR wrote, into
     * {@code target} (created or replaced), streamed: never held whole in memory. A partial file is removed.
     *
     * @param dataId   the id returned by {@link #submit}, whose result said {@link ScanResult#sanitized()}
     * @param target   where to write the bytes
     * @param maxBytes the most that is taken; a larger file is not written ({@link Converted#TOO_LARGE})
     * @return {@link Converted#WRITTEN}, or {@link Converted#NOT_FOUND} when Core has no sanitized copy (404: none
     *         was made, or Core no longer keeps it), or {@link Converted#TOO_LARGE}
     * @throws CoreUnavailableException     if Core is busy, failing, unreachable or the download broke off
     * @throws CoreRejectedException        if Core refused the request (for example a bad API key)
     * @throws java.io.UncheckedIOException if {@code target} cannot be written
     */
    Converted fetchSanitized(String dataId, Path target, long maxBytes)
            throws CoreUnavailableException, CoreRejectedException;

    /** What {@link #fetchSanitized} found. */
    enum Converted {
        /** The sanitized copy is in the target file. */
        WRITTEN,
        /** Core has no sanitized copy of the file. */
        NOT_FOUND,
        /** The sanitized copy is larger than allowed; nothing was written. */
        TOO_LARGE
    }

    /**
     * Reads Core's version ({@code GET /version}); a cheap health check.
     *
     * @return the version string, for example {@code 4.18.0}
     * @throws CoreUnavailableException if Core is busy, failing, unreachable or answered something unreadable
     * @throws CoreRejectedException    if Core refused the request (for example a bad API key)
     */
    String version() throws CoreUnavailableException, CoreRejectedException;
}
