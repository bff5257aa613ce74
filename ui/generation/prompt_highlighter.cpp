// PromptHighlighter: a one-pass bracket matcher over each line, formats applied by kind.
#include "ui/generation/prompt_highlighter.h"

#include <QRegularExpression>

namespace poseforge::ui {

QVector<PromptSpan> prompt_spans(const QString& text) {
  QVector<PromptSpan> groups, marks;
  QVector<int> open;  // positions of unclosed '(' / '['
  static const QRegularExpression weight(R"(:\s*[+-]?(\d+\.?\d*|\.\d+)\s*$)");
  for (int i = 0; i < text.size(); ++i) {
    const QChar c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      marks.push_back({i, 2, PromptSpan::Escape});
      ++i;
    } else if (c == '(' || c == '[') {
      open.push_back(i);
    } else if (c == ')' || c == ']') {
      const QChar partner = c == ')' ? '(' : '[';
      if (open.isEmpty() || text[open.back()] != partner) {
        marks.push_back({i, 1, PromptSpan::Unbalanced});
        continue;
      }
      const int start = open.takeLast();
      int inner_end = i;
      if (c == ')') {
        const auto match = weight.match(text.mid(start + 1, i - start - 1));
        if (match.hasMatch()) {
          inner_end = start + 1 + match.capturedStart();
          marks.push_back({inner_end, i - inner_end, PromptSpan::Weight});
        }
      }
      groups.push_front({start + 1, inner_end - start - 1, c == ')' ? PromptSpan::Emphasis : PromptSpan::Deemphasis});
      marks.push_back({start, 1, PromptSpan::Bracket});
      marks.push_back({i, 1, PromptSpan::Bracket});
    }
  }
  for (int position : open) marks.push_back({position, 1, PromptSpan::Unbalanced});
  // Groups close inner-first; pushing to the front leaves outer groups first, so inner ones win.
  return groups + marks;
}

PromptHighlighter::PromptHighlighter(QTextDocument* document) : QSyntaxHighlighter(document) {}

void PromptHighlighter::highlightBlock(const QString& text) {
  QTextCharFormat emphasis, deemphasis, bracket, weight, escape, unbalanced;
  emphasis.setForeground(QColor(0x1e, 0x6f, 0xd9));
  deemphasis.setForeground(QColor(0x8a, 0x8a, 0x8a));
  bracket.setForeground(QColor(0xc0, 0x6a, 0x00));
  bracket.setFontWeight(QFont::Bold);
  weight.setForeground(QColor(0x2e, 0x9d, 0x3a));
  weight.setFontWeight(QFont::Bold);
  escape.setForeground(QColor(0x9b, 0x4d, 0xca));
  unbalanced.setForeground(Qt::white);
  unbalanced.setBackground(QColor(0xd0, 0x30, 0x30));
  for (const auto& span : prompt_spans(text)) {
    const QTextCharFormat* format = nullptr;
    switch (span.kind) {
      case PromptSpan::Emphasis: format = &emphasis; break;
      case PromptSpan::Deemphasis: format = &deemphasis; break;
      case PromptSpan::Bracket: format = &bracket; break;
      case PromptSpan::Weight: format = &weight; break;
      case PromptSpan::Escape: format = &escape; break;
      case PromptSpan::Unbalanced: format = &unbalanced; break;
    }
    setFormat(span.start, span.length, *format);
  }
}

}  // namespace poseforge::ui
