import { buildIfStale } from '../../scripts/build.ts';

/** The fault suite starts the built server many times: build it once first if needed. */
export default function setup() {
	buildIfStale();
}
