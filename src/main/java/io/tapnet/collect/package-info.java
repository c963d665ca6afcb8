/**
 * Primitive-keyed collections for the forwarding path, where boxing a key per packet would allocate.
 * Depends on nothing.
 */
package io.tapnet.collect;
