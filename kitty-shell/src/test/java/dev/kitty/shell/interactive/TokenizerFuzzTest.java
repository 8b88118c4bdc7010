package dev.kitty.shell.interactive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.kitty.engine.model.KittyException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batch scripts and shell lines as hostile input (issue 10): the tokenizer of every line. */
class TokenizerFuzzTest {

  @Test
  void anyTextSplitsOrIsRefusedAsAUsageErrorNothingElse() {
    qt().withExamples(5000)
        .forAll(
            strings()
                .allPossible()
                .ofLengthBetween(0, 200)
                .mix(strings().betweenCodePoints(0x20, 0x7e).ofLengthBetween(0, 200)))
        .checkAssert(
            text -> {
              try {
                for (List<String> words : Tokenizer.commands(text)) {
                  assertTrue(!words.isEmpty(), "no empty command reaches the command tree");
                }
              } catch (KittyException.Usage documented) {
                // an unterminated quote; anything else escaping fails the test
              }
            });
  }

  @Test
  void plainWordsJoinedByBlanksAndSemicolonsComeBackAsTheyWere() {
    qt().withExamples(1000)
        .forAll(
            lists()
                .of(strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 8))
                .ofSizeBetween(1, 6))
        .checkAssert(
            words -> {
              String line = String.join(" ", words) + " ; " + String.join("\t", words);
              assertEquals(List.of(words, words), Tokenizer.commands(line));
            });
  }
}
