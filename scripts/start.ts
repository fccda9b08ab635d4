/** `npm start`: build when the build is missing or older than the sources, then serve. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT, buildIfStale } from './build.ts';
import { SERVER_BUNDLE } from './server-bundle.ts';

buildIfStale();
await import(pathToFileURL(resolve(PROJECT_ROOT, SERVER_BUNDLE)).href);
