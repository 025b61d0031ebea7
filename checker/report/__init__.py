"""The class report: item analysis, misconceptions, similarity, and LMS grades, from the engine's results."""
