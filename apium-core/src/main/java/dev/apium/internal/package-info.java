/**
 * Plumbing shared by the client ({@code dev.apium}) and the worker engine ({@code
 * dev.apium.worker}): pipelined writes, transient-failure retries and the host name. Public only so
 * both packages can reach it; <strong>not API</strong>: nothing here is covered by compatibility
 * promises, and a future {@code module-info} will not export it. Transports never use it (their
 * helpers live in {@code dev.apium.spi}).
 */
package dev.apium.internal;
