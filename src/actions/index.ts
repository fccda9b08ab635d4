import { moderationActions } from './moderation';
import { readerActions } from './reader';
import { writerActions } from './writer';

export const server = { ...writerActions, ...readerActions, ...moderationActions };
