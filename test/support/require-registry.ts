/**
 * Set up before every file of the `registry` project: when the global setup could not start the registry
 * because a program is missing, the file fails here with the message that names the Debian package and the
 * install command, instead of with an undefined registry somewhere in its tests.
 */
import { inject } from 'vitest';

const unavailable = inject('registryUnavailable');
if (unavailable) throw new Error(unavailable);
