import { accountActions } from './moderator-accounts';
import { readerActions } from './reader';
import { signInActions } from './sign-in';
import { storyDecisionActions } from './story-decisions';
import { writerActions } from './writer';

export const server = {
	...writerActions,
	...readerActions,
	...signInActions,
	...storyDecisionActions,
	...accountActions,
};
