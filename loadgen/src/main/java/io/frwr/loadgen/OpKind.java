package io.frwr.loadgen;

/** The NFSv3 procedures the workers call. */
public enum OpKind { WRITE, READ, GETATTR, NULL }
