// PromptHighlighter: colours A1111 prompt-weighting syntax: (word:1.3), (word), [word], \( escapes.
#pragma once

#include <QSyntaxHighlighter>
#include <QVector>

namespace poseforge::ui {

struct PromptSpan {
  enum Kind { Emphasis, Deemphasis, Bracket, Weight, Escape, Unbalanced };
  int start = 0;
  int length = 0;
  Kind kind = Emphasis;
};

// The spans of one line of prompt text: the text inside () and [] (outer groups first), the
// brackets themselves, the ":1.3" weights, "\(" style escapes and brackets without a partner.
QVector<PromptSpan> prompt_spans(const QString& text);

class PromptHighlighter : public QSyntaxHighlighter {
  Q_OBJECT
 public:
  explicit PromptHighlighter(QTextDocument* document);

 protected:
  void highlightBlock(const QString& text) override;
};

}  // namespace poseforge::ui
