"""Helpers the test modules share (they never import each other): each module is named for what it holds."""
