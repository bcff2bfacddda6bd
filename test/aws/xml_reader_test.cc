#include "aws/xml_reader.h"

#include <gtest/gtest.h>

namespace copycat::aws {
namespace {

TEST(XmlReaderTest, ReadsElementsTextEntitiesAndCdata) {
  auto root = parseXml(
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- lead -->\n"
      "<sts:Response xmlns:sts=\"urn:x\" a='1'>\n  <Result>\n"
      "    <Key>A&amp;B &lt;&gt; &quot;&apos; &#65;&#x42;&#x20AC;</Key>\n"
      "    <Empty/><Data><![CDATA[<raw & text>]]></Data><!-- c --><?pi x?>\n"
      "  </Result>\n</sts:Response>\n<!-- tail -->\n");
  ASSERT_TRUE(root) << root.error().message;
  EXPECT_EQ(root->name, "Response");
  EXPECT_EQ(root->textAt({"Result", "Key"}), "A&B <> \"' AB\xE2\x82\xAC");
  EXPECT_EQ(root->textAt({"Result", "Data"}), "<raw & text>");
  ASSERT_NE(root->find({"Result", "Empty"}), nullptr);
  EXPECT_EQ(root->find({"Result", "Missing"}), nullptr);
  EXPECT_EQ(root->textAt({"Nope"}), "");
}

TEST(XmlReaderTest, RejectsMalformedDocuments) {
  const char* kBad[] = {
      "",
      "text only",
      "<a>",
      "<a></b>",
      "<a><b></a></b>",
      "<a>&unknown;</a>",
      "<a>&#0;</a>",
      "<a>&#xD800;</a>",
      "<a>&amp</a>",
      "<a></a><b></b>",
      "<a></a>trailing",
      "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
      "<a b=\"1\"c=\"2\"></a>",
      "<a b=1></a>",
      "<a b=\"<\"></a>",
      "<a><!-- unterminated </a>",
      "<a>]]></a>",
      "<1a></1a>",
  };
  for (const char* text : kBad) {
    SCOPED_TRACE(text);
    auto got = parseXml(text);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, ErrorCode::kProtocol);
  }
}

TEST(XmlReaderTest, BoundsDepthAndSize) {
  std::string deep;
  for (size_t i = 0; i < kMaxXmlDepth + 1; ++i) {
    deep += "<a>";
  }
  for (size_t i = 0; i < kMaxXmlDepth + 1; ++i) {
    deep += "</a>";
  }
  EXPECT_FALSE(parseXml(deep));
  std::string ok_depth = deep.substr(3, deep.size() - 7);
  EXPECT_TRUE(parseXml(ok_depth));
  EXPECT_FALSE(parseXml("<a>" + std::string(kMaxXmlBytes, 'x') + "</a>"));
}

}  // namespace
}  // namespace copycat::aws
