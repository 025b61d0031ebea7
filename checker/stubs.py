"""nbgrader's ClearSolutions, with the stub (what replaces a solution in the learner's version)
in the language of the assignment: "# YOUR CODE HERE" in backprop, "# 在这里写你的代码" in backprop_zh."""
from __future__ import annotations

from nbgrader.preprocessors import ClearSolutions

from .editions import PHRASES, language_of


class ClearSolutionsInItsLanguage(ClearSolutions):
    def preprocess(self, nb, resources):
        words = PHRASES[language_of(resources.get("nbgrader", {}).get("assignment", ""))]
        self.code_stub = {**self.code_stub, "python": words["code_stub"]}
        self.text_stub = words["text_stub"]
        return super().preprocess(nb, resources)
