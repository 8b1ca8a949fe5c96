"""The learner's side: history (store), progress and advice, review (FSRS), watch, notebook,
terminal rendering (render, maths), mock interviews and the workspace."""
