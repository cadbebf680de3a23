/**
 * Plumbing shared by the client ({@code dev.apium}), the worker engine ({@code dev.apium.worker})
 * and the transports: pipelined writes, transient-failure retries, the host name and daemon
 * threads. Public only so those packages can reach it; <strong>not API</strong>: nothing here is
 * covered by compatibility promises, and a future {@code module-info} will not export it.
 */
package dev.apium.internal;
