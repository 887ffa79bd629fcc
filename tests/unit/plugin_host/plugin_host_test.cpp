#include "plugin_host/plugin_host.h"

#include "fixture_transport.h"

#include "common/logging.h"

#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include <filesystem>
#include <fstream>

namespace mq::core {
namespace {

class PluginHostTest : public ::testing::Test {
 protected:
  std::shared_ptr<spdlog::logger> logger_ = make_console_logger("test", "error");
  PluginHost host_{logger_, MQ_FIXTURE_PLUGIN_DIR};
};

TEST_F(PluginHostTest, NotFoundSaysWhereItLookedAndWhatExists) {
  auto result = host_.load("store-nope", sdk::Seam::kStore, "storePlugin");
  ASSERT_FALSE(result.ok());
  const auto& message = result.status().message();
  EXPECT_NE(message.find("storePlugin: plugin 'store-nope' not found"), std::string::npos)
      << message;
  EXPECT_NE(message.find(MQ_FIXTURE_PLUGIN_DIR), std::string::npos) << message;
  EXPECT_NE(message.find("available: "), std::string::npos) << message;
  EXPECT_NE(message.find("fixture-good"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST_F(PluginHostTest, RefusesNamesThatAreNotPluginNames) {
  auto result = host_.load("../../etc/passwd", sdk::Seam::kStore, "storePlugin");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("is not a plugin name"), std::string::npos);
}

TEST_F(PluginHostTest, WrongSeamNamesBothSeams) {
  auto result = host_.load("fixture-store", sdk::Seam::kTransport, "transportPlugins");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find(
                "is a store plugin, but transportPlugins needs a transport plugin"),
            std::string::npos)
      << result.status().message();
}

TEST_F(PluginHostTest, AbiMismatchNamesBothVersions) {
  auto result = host_.load("fixture-abi", sdk::Seam::kTransport, "transportPlugins");
  ASSERT_FALSE(result.ok());
  const auto& message = result.status().message();
  EXPECT_NE(message.find("built for plugin SDK ABI 99.0"), std::string::npos) << message;
  EXPECT_NE(message.find("this broker supports ABI 2.0"), std::string::npos) << message;
}

TEST_F(PluginHostTest, ToolchainMismatchNamesBothFingerprints) {
  auto result = host_.load("fixture-toolchain", sdk::Seam::kTransport, "transportPlugins");
  ASSERT_FALSE(result.ok());
  const auto& message = result.status().message();
  EXPECT_NE(message.find("gcc-0.0/cxx11abi=0"), std::string::npos) << message;
  EXPECT_NE(message.find(core_build_fingerprint()), std::string::npos) << message;
}

TEST_F(PluginHostTest, MissingEntrySymbol) {
  auto result = host_.load("fixture-no-entry", sdk::Seam::kTransport, "transportPlugins");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(
      result.status().message().find("is not a plugin: it does not export mq_plugin_descriptor"),
      std::string::npos)
      << result.status().message();
}

TEST_F(PluginHostTest, DescriptorNameMustMatchFileName) {
  auto result = host_.load("fixture-misnamed", sdk::Seam::kTransport, "transportPlugins");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("calls itself 'something-else'"), std::string::npos)
      << result.status().message();
}

TEST_F(PluginHostTest, MissingLibraryIsALoadErrorNotACrash) {
  auto result = host_.load("fixture-needs-lib", sdk::Seam::kTransport, "transportPlugins");
  ASSERT_FALSE(result.ok());
  const auto& message = result.status().message();
  EXPECT_NE(message.find("cannot load plugin"), std::string::npos) << message;
  EXPECT_NE(message.find("libfixture_dependency.so"), std::string::npos) << message;
}

TEST(PluginLibraryTest, FileThatIsNotASharedObject) {
  auto dir = std::filesystem::temp_directory_path() / ("mq-notaplugin-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "junk.so") << "this is not an ELF file\n"; }
  PluginHost host(make_console_logger("test", "error"), dir);
  auto result = host.load("junk", sdk::Seam::kStore, "storePlugin");
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("cannot load plugin"), std::string::npos)
      << result.status().message();
}

TEST_F(PluginHostTest, FactoryErrorCarriesThePluginsMessage) {
  auto library = host_.load("fixture-fails", sdk::Seam::kTransport, "transportPlugins");
  ASSERT_TRUE(library.ok()) << library.status().to_string();
  auto object = host_.create<sdk::Transport>(library.value(), sdk::PluginConfig{});
  ASSERT_FALSE(object.ok());
  EXPECT_EQ(object.status().message(),
            "plugin fixture-fails failed to start: cannot open /nonexistent/socket");
}

TEST_F(PluginHostTest, FactoryExceptionBecomesAStatus) {
  auto library = host_.load("fixture-throws", sdk::Seam::kTransport, "transportPlugins");
  ASSERT_TRUE(library.ok()) << library.status().to_string();
  auto object = host_.create<sdk::Transport>(library.value(), sdk::PluginConfig{});
  ASSERT_FALSE(object.ok());
  EXPECT_NE(object.status().message().find("threw: boom"), std::string::npos)
      << object.status().message();
}

TEST_F(PluginHostTest, CreatesObjectsThatPinTheirLibrary) {
  auto library = host_.load("fixture-good", sdk::Seam::kTransport, "transportPlugins");
  ASSERT_TRUE(library.ok()) << library.status().to_string();
  std::vector<std::string> warnings;
  ASSERT_TRUE(host_.resolve_keys({{"fixture.size", "7", "b.properties", 3}}, warnings).is_ok());
  EXPECT_TRUE(warnings.empty());
  auto object = host_.create<sdk::Transport>(library.value(), sdk::PluginConfig{});
  ASSERT_TRUE(object.ok()) << object.status().to_string();
  auto* fixture = dynamic_cast<test::FixtureTransport*>(object.value().get());
  ASSERT_NE(fixture, nullptr);
  EXPECT_EQ(fixture->size(), 7);
  EXPECT_EQ(object.value()->scheme(), "fixture");
  // The object's deleter holds the library: more owners than the host's table and `library`.
  EXPECT_GE(library.value().use_count(), 3);
}

TEST_F(PluginHostTest, DeclaredKeysGetDefaultsAndBadValuesFail) {
  auto library = host_.load("fixture-good", sdk::Seam::kTransport, "transportPlugins");
  ASSERT_TRUE(library.ok());
  std::vector<std::string> warnings;
  auto status = host_.resolve_keys({{"fixture.size", "lots", "b.properties", 9}}, warnings);
  ASSERT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("b.properties:9: fixture.size"), std::string::npos)
      << status.message();

  ASSERT_TRUE(host_.resolve_keys({}, warnings).is_ok());
  auto object = host_.create<sdk::Transport>(library.value(), sdk::PluginConfig{});
  ASSERT_TRUE(object.ok());
  EXPECT_EQ(dynamic_cast<test::FixtureTransport*>(object.value().get())->size(), 42);
}

TEST_F(PluginHostTest, UndeclaredPluginKeysAreWarnedAbout) {
  ASSERT_TRUE(host_.load("fixture-good", sdk::Seam::kTransport, "transportPlugins").ok());
  std::vector<std::string> warnings;
  ASSERT_TRUE(host_.resolve_keys({{"lmdb.mapSize", "1", "b.properties", 4}}, warnings).is_ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("b.properties:4: key 'lmdb.mapSize' ignored"), std::string::npos);
}

TEST_F(PluginHostTest, DiscoverDescribesEveryFile) {
  auto found = host_.discover();
  bool saw_good = false, saw_abi = false;
  for (const auto& plugin : found) {
    if (plugin.file_stem == "fixture-good") {
      saw_good = true;
      EXPECT_TRUE(plugin.loadable);
      EXPECT_EQ(plugin.version, "1.2.3");
      ASSERT_EQ(plugin.keys.size(), 1u);
      EXPECT_EQ(plugin.keys[0].name, "fixture.size");
    }
    if (plugin.file_stem == "fixture-abi") {
      saw_abi = true;
      EXPECT_FALSE(plugin.loadable);
    }
  }
  EXPECT_TRUE(saw_good);
  EXPECT_TRUE(saw_abi);
}

TEST(PluginHostDefaults, DefaultDirIsBesideTheExecutable) {
  auto dir = PluginHost::default_plugin_dir();
  EXPECT_EQ(dir.filename(), "plugins");
  EXPECT_EQ(dir.parent_path().filename(), "rocketmq-cpp");
}

TEST(PluginHostDefaults, ValidNames) {
  EXPECT_TRUE(PluginHost::valid_plugin_name("store-mmap"));
  EXPECT_TRUE(PluginHost::valid_plugin_name("my_store2"));
  EXPECT_FALSE(PluginHost::valid_plugin_name(""));
  EXPECT_FALSE(PluginHost::valid_plugin_name("Store"));
  EXPECT_FALSE(PluginHost::valid_plugin_name("a/b"));
  EXPECT_FALSE(PluginHost::valid_plugin_name("a.so"));
}

}  // namespace
}  // namespace mq::core
